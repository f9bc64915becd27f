"""Turn real company payroll spreadsheets into typed monthly rows. Qt-free, no database."""
