"""GDPR: a member's data export, erasure, and the retention of free text."""
