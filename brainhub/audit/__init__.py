"""The audit log of configuration changes (see :mod:`brainhub.audit.log`)."""
