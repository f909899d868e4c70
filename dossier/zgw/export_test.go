package zgw

// SetItemHook lets a test act right after the dossier recorded an item and before the
// collector wrote that down (to cut a pass off at its worst moment).
func SetItemHook(c *Collector, f func(soort string)) { c.itemHook = f }
