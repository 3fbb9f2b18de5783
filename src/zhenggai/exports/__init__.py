"""Exports of ledger data to files (Excel 整改台账 first)."""
