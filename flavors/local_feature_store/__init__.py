"""The built-in `local` feature store: feature views in CSV files of a directory."""
