// Renders an Ollama TEMPLATE with Go's text/template, as Ollama does, for OllamaModelfileGoTest.
// stdin: {"template": "...", "messages": [{"role": "...", "content": "..."}]}; stdout: the rendered prompt.
package main

import (
	"encoding/json"
	"os"
	"text/template"
)

type message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

func main() {
	var in struct {
		Template string    `json:"template"`
		Messages []message `json:"messages"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		panic(err)
	}
	t := template.Must(template.New("t").Parse(in.Template))
	if err := t.Execute(os.Stdout, map[string]any{"Messages": in.Messages}); err != nil {
		panic(err)
	}
}
