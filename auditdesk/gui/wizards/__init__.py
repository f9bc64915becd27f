"""Multi-step flows built as QWizard pages (payroll import; later report export)."""
