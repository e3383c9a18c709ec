package faults

// groupPushCatalogue holds the faults of Group Push beyond the core group scenarios.
var groupPushCatalogue = []Fault{}
