// Package rhombus is the Rhombus API client that Go programs import.
package rhombus
