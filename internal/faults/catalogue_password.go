package faults

// passwordCatalogue holds the faults of password sync (@needs-password-sync).
var passwordCatalogue = []Fault{}
