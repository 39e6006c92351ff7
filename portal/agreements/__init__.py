"""The jointly written partnership agreement: sections, revisions, merges, ratification."""
