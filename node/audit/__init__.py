"""The audit log: who viewed or changed personal data, and when."""
