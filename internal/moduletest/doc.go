// Package moduletest runs `terraform test` on the example modules under
// examples/modules against the emulator, with the provider built from this
// tree, the way a user tests a module offline. It has tests only.
package moduletest
