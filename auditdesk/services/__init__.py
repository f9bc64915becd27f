"""The application API that both the CLI and the GUI call: one user action = one transaction."""
