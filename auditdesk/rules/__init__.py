"""Risk rules over payroll rows: Chinese and Shanghai law, dated regional figures. Qt-free, no database."""
