"""The audit workspace: walk-through, payroll, findings (会诊) and scores of one audit."""
