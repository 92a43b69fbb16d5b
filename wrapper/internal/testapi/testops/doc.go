// Package testops is the operation table of the test-only spec
// (../openapi.yaml), apart from its models in package testapi: the
// wrapper's internal tests use the models and the typed methods generated
// from that spec, and package rhombus cannot import a package that imports
// it.
package testops
