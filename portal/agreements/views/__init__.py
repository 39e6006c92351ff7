"""The agreement pages, one module per part of the page set; their URLs are in
`portal.agreements.blueprint`, the work they ask for in the modules beside this folder
(editing, merge, diffs, ratification).

- reading: the agreement with every section, and the live update of one section;
- editor: editing a section, with merges, conflicts, drafts and who else is editing;
- outline: adding, renaming, moving and removing sections;
- history: a section's revisions, the difference between two, restoring one;
- comments: comment threads on a section, with @mentions;
- versions: proposing, ratifying and exporting a version, and what changed since.
"""
