package faults

// entitlementCatalogue holds the faults of entitlements (@needs-entitlements).
var entitlementCatalogue = []Fault{}
