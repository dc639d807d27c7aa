"""The domain vocabulary: kinds, statuses, roles and their life cycles."""
