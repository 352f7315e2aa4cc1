"""The transform stage: mapping files per service, and the engine that runs them."""
