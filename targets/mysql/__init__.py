"""``target-mysql``: writes Singer streams into MariaDB or MySQL, on the Singer SDK's SQL classes."""
