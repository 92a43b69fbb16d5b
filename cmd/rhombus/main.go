// Command rhombus calls the Rhombus API from the command line.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "demo" {
		fmt.Println("rhombus demo: placeholder; the demo against the built-in fake server is not built yet.")
		return
	}
	fmt.Fprintln(os.Stderr, "usage: rhombus demo")
	os.Exit(2)
}
