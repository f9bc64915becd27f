"""AuditDesk (用工体检台): employment-compliance audits. Importing this touches neither Qt nor the disk."""

__version__ = "0.1.0"
