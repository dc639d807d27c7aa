"""The audit: signed checkpoints of the log (keys, checkpoints) and what `beacon audit
verify` checks beyond the hash chain (`core.audit.tables`).

The hash chain alone proves only that the log is consistent with itself: whoever can
write the database can rewrite it from any event on and recompute every hash. A
checkpoint, signed with a key kept outside the database, fixes the log's head at one
moment; `beacon audit verify --checkpoint FILE` then shows any cut or rewrite before it.
"""

# Where the signing key is looked for (see `core.audit.keys.key_path`); here, so the
# command line can name them without loading the cryptography package.
KEY_ENV = "BEACON_CHECKPOINT_KEY"
KEY_FILE_NAME = "checkpoint.key"
