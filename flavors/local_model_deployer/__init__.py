"""The built-in `local` model deployer: models served by local processes over HTTP."""
