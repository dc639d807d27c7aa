"""The audit: what `beacon audit verify` checks beyond the hash chain."""
