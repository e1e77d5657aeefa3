"""Worked examples that ship with ForgeLab (case studies with their own data sources)."""
