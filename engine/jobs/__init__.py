"""Background work: plain job functions taking ids, queue names in one place, a publisher the app holds."""
