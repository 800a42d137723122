package provider

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// templatesDir is the directory of the documentation templates, relative to this package.
const templatesDir = "../../templates"

// TestAccDocSnippets checks that every Terraform snippet written into the
// documentation templates (the guides, the provider page and the resource
// pages) and into the README parses and is left unchanged by terraform fmt.
// Examples included from examples/ are checked by TestAccExamples instead.
func TestAccDocSnippets(t *testing.T) {
	tf := requireTerraform(t)
	if tf == "" {
		t.Skip("TF_ACC_TERRAFORM_VERSION asks the testing library to install terraform; this test runs only a terraform found on PATH or in TF_ACC_TERRAFORM_PATH")
	}
	files := []string{"../../README.md"}
	err := filepath.WalkDir(templatesDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md.tmpl") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel("../..", file)
		for _, s := range terraformSnippets(string(src)) {
			count++
			t.Run(rel+"/line"+strconv.Itoa(s.line), func(t *testing.T) {
				cmd := exec.Command(tf, "fmt", "-no-color", "-")
				cmd.Stdin = strings.NewReader(s.text)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				out, err := cmd.Output()
				if err != nil {
					t.Fatalf("%s: the snippet at line %d does not parse: %v\n%s\n%s", rel, s.line, err, stderr.String(), s.text)
				}
				if string(out) != s.text {
					t.Fatalf("%s: the snippet at line %d is not formatted as terraform fmt writes it.\nwant:\n%s\ngot:\n%s",
						rel, s.line, out, s.text)
				}
			})
		}
	}
	if count < 20 {
		t.Fatalf("found %d Terraform snippets in the README and %s, expected at least 20; did the templates move?", count, templatesDir)
	}
}

// snippet is a fenced Terraform code block of a Markdown document.
type snippet struct {
	line int // of the opening fence, from 1
	text string
}

// terraformSnippets returns the ```terraform and ```hcl blocks of a Markdown
// document, leaving out those that hold template directives.
func terraformSnippets(doc string) []snippet {
	var snippets []snippet
	lines := strings.Split(doc, "\n")
	for i := 0; i < len(lines); i++ {
		lang := strings.TrimSpace(strings.TrimPrefix(lines[i], "```"))
		if !strings.HasPrefix(lines[i], "```") || (lang != "terraform" && lang != "hcl") {
			continue
		}
		start := i
		var body strings.Builder
		for i++; i < len(lines) && !strings.HasPrefix(lines[i], "```"); i++ {
			body.WriteString(lines[i] + "\n")
		}
		if text := body.String(); !strings.Contains(text, "{{") {
			snippets = append(snippets, snippet{line: start + 1, text: text})
		}
	}
	return snippets
}
