"""The process designer: safe uploads, validation reports, dry runs, publishing, version migration, diagrams."""
