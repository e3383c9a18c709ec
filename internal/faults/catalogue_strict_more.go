package faults

// strictMoreCatalogue holds the faults of the later strict-tier scenarios.
var strictMoreCatalogue = []Fault{}
