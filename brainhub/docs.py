"""Every file generated from code, by path; ``brainhub docs`` writes or checks them."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def generated_docs() -> dict[Path, str]:
    """The generated documents and their current text."""
    from brainhub.sandbox.reference import render_sandbox_page
    from brainhub.spec.reference import render_reference
    from brainhub.sync.reference import render_sync_reference
    from taps.runtime.readme import render_readme
    from taps.runtime.registry import load_connector, services, spec_path
    from targets.runtime.readme import render_write_section
    from transforms.engine.docs import render_mapping_reference

    docs = {
        REPO / "docs" / "connector-spec.md": render_reference(),
        REPO / "docs" / "mapping-reference.md": render_mapping_reference(),
        REPO / "docs" / "sync.md": render_sync_reference(),
        REPO / "docs" / "sandbox.md": render_sandbox_page(
            {service: load_connector(service).title or service for service in services()}
        ),
    }
    for service in services():
        spec = load_connector(service)
        docs[spec_path(service).parent / "README.md"] = render_readme(spec) + render_write_section(
            spec
        )
    return docs
