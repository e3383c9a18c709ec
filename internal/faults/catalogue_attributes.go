package faults

// attributeCatalogue holds the faults of attribute mappings (@needs-attributes).
var attributeCatalogue = []Fault{}
