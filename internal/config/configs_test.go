package config

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The operator's files: configs/ holds the configurations, deploy/ what runs them.
const (
	configsDir = "../../configs"
	deployDir  = "../../deploy"
)

// envRefRE finds $VAR and ${VAR} references, as ExpandPath expands them.
var envRefRE = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)`)

// listdigestConfigs returns configs/listdigest*.yaml: every listdigest configuration shipped
// with the repository (litestream.yml and dovecot-compose.conf are other programs' files).
func listdigestConfigs(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(configsDir, "listdigest*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 2 {
		t.Fatalf("found %v in %s; want at least the example and the compose configuration", files, configsDir)
	}
	return files
}

// setReferencedEnv gives every environment variable the file refers to outside comments, and
// that is not set, a temporary directory as its value (such as ${CREDENTIALS_DIRECTORY}), so
// that its paths expand as they would where the file is deployed.
func setReferencedEnv(t *testing.T, data []byte) {
	t.Helper()
	for line := range strings.Lines(string(data)) {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		for _, m := range envRefRE.FindAllStringSubmatch(line, -1) {
			name := m[1] + m[2]
			if _, ok := os.LookupEnv(name); !ok {
				t.Setenv(name, t.TempDir())
			}
		}
	}
}

// TestShippedConfigs loads every listdigest configuration in configs/ as the daemon would.
func TestShippedConfigs(t *testing.T) {
	for _, file := range listdigestConfigs(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			setReferencedEnv(t, data)
			cfg, err := Load(file)
			if err != nil {
				t.Fatalf("Load(%s):\n%v", file, err)
			}
			if err := cfg.Validate(); err != nil {
				t.Errorf("Validate() after Load(%s):\n%v", file, err)
			}
		})
	}
}

// composeFile is the part of deploy/compose.yaml the tests look at.
type composeFile struct {
	Services map[string]composeService `yaml:"services"`
	Configs  map[string]struct {
		File string `yaml:"file"`
	} `yaml:"configs"`
	Secrets map[string]struct {
		File        string `yaml:"file"`
		Environment string `yaml:"environment"`
	} `yaml:"secrets"`
	Volumes map[string]any `yaml:"volumes"`
}

type composeService struct {
	Build *struct {
		Context    string `yaml:"context"`
		Dockerfile string `yaml:"dockerfile"`
	} `yaml:"build"`
	Command []string       `yaml:"command"`
	Ports   []string       `yaml:"ports"`
	Volumes []string       `yaml:"volumes"`
	Configs []composeMount `yaml:"configs"`
	Secrets []composeMount `yaml:"secrets"`
}

type composeMount struct {
	Source string `yaml:"source"`
	Target string `yaml:"target"`
	UID    string `yaml:"uid"`
	Mode   *int   `yaml:"mode"`
}

func loadCompose(t *testing.T) (composeFile, []byte) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(deployDir, "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatalf("deploy/compose.yaml is not valid YAML: %v", err)
	}
	return c, data
}

// TestComposeFile checks that deploy/compose.yaml parses and that every file it names exists.
func TestComposeFile(t *testing.T) {
	c, data := loadCompose(t)
	for _, name := range []string{"dovecot", "seed", "listdigest", "litestream"} {
		if _, ok := c.Services[name]; !ok {
			t.Errorf("deploy/compose.yaml has no service %q", name)
		}
	}

	// Every string naming something under ../configs, wherever it appears.
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var refs []string
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.ScalarNode {
			for _, field := range strings.FieldsFunc(n.Value, func(r rune) bool { return r == ' ' || r == ':' || r == '=' }) {
				if strings.HasPrefix(field, "../configs/") {
					refs = append(refs, field)
				}
			}
		}
		for _, k := range n.Content {
			walk(k)
		}
	}
	walk(&doc)
	if len(refs) == 0 {
		t.Fatal("deploy/compose.yaml refers to nothing under ../configs")
	}
	for _, ref := range refs {
		p := filepath.Join(deployDir, filepath.FromSlash(ref))
		if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
			t.Errorf("deploy/compose.yaml refers to %s, which is not a file (%v)", ref, err)
		}
	}

	// The top-level configs, and the build contexts and their Containerfiles.
	for name, cf := range c.Configs {
		if _, err := os.Stat(filepath.Join(deployDir, filepath.FromSlash(cf.File))); err != nil {
			t.Errorf("configs.%s.file: %v", name, err)
		}
	}
	for name, s := range c.Services {
		if s.Build == nil {
			continue
		}
		dir := filepath.Join(deployDir, filepath.FromSlash(s.Build.Context))
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			t.Errorf("services.%s.build.context %s is not a directory (%v)", name, s.Build.Context, err)
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(s.Build.Dockerfile))); err != nil {
			t.Errorf("services.%s.build.dockerfile: %v", name, err)
		}
	}

	// Every config and secret a service mounts is defined at the top level.
	for name, s := range c.Services {
		for _, m := range s.Configs {
			if _, ok := c.Configs[m.Source]; !ok {
				t.Errorf("services.%s.configs: %q is not defined under configs", name, m.Source)
			}
		}
		for _, m := range s.Secrets {
			if _, ok := c.Secrets[m.Source]; !ok {
				t.Errorf("services.%s.secrets: %q is not defined under secrets", name, m.Source)
			}
		}
		for _, v := range s.Volumes {
			src, _, _ := strings.Cut(v, ":")
			if _, ok := c.Volumes[src]; !ok && !strings.HasPrefix(src, ".") && !strings.HasPrefix(src, "/") {
				t.Errorf("services.%s.volumes: %q is not defined under volumes", name, src)
			}
		}
	}
}

// TestComposeConfigMatchesStack checks configs/listdigest.compose.yaml against the listdigest
// service that runs it: every file the configuration names is put there by a volume, config or
// secret of that service, secrets are readable by the image's user but not by everyone, and
// the listener is the published port.
func TestComposeConfigMatchesStack(t *testing.T) {
	c, _ := loadCompose(t)
	svc, ok := c.Services["listdigest"]
	if !ok {
		t.Fatal("deploy/compose.yaml has no listdigest service")
	}

	// Where the service's files come from: target path → what provides it.
	type mount struct {
		target, what string
		dir          bool
	}
	var mounts []mount
	for _, v := range svc.Volumes {
		parts := strings.Split(v, ":")
		if len(parts) < 2 {
			t.Fatalf("services.listdigest.volumes: %q has no target", v)
		}
		mounts = append(mounts, mount{target: parts[1], what: "volume " + parts[0], dir: true})
	}
	var configFile string
	for _, m := range svc.Configs {
		mounts = append(mounts, mount{target: m.Target, what: "config " + m.Source})
		if m.Target == "/etc/listdigest/listdigest.yaml" {
			configFile = c.Configs[m.Source].File
		}
	}
	for _, m := range svc.Secrets {
		target := m.Target
		if target == "" {
			target = m.Source
		}
		if !path.IsAbs(target) {
			target = "/run/secrets/" + target
		}
		mounts = append(mounts, mount{target: target, what: "secret " + m.Source})
		if m.UID != "10001" || m.Mode == nil || *m.Mode&0o007 != 0 {
			mode := "unset"
			if m.Mode != nil {
				mode = fmt.Sprintf("%#o", *m.Mode)
			}
			t.Errorf("services.listdigest.secrets %s: want uid \"10001\" and a mode without access for others (listdigest refuses world-readable password files), got uid %q, mode %s", m.Source, m.UID, mode)
		}
	}
	provider := func(p string) (string, bool) {
		for _, m := range mounts {
			if p == m.target || (m.dir && strings.HasPrefix(p, strings.TrimSuffix(m.target, "/")+"/")) {
				return m.what, true
			}
		}
		return "", false
	}

	if configFile == "" {
		t.Fatal("services.listdigest mounts no configuration at /etc/listdigest/listdigest.yaml")
	}
	if want := []string{"run", "--config", "/etc/listdigest/listdigest.yaml"}; !slices.Equal(svc.Command, want) {
		t.Errorf("services.listdigest.command = %q; want %q", svc.Command, want)
	}
	cfg, err := Load(filepath.Join(deployDir, filepath.FromSlash(configFile)))
	if err != nil {
		t.Fatalf("Load(%s): %v", configFile, err)
	}

	files := map[string]string{
		"database.path": cfg.Database.Path,
		"http.key_file": cfg.HTTP.KeyFile,
	}
	for i, m := range cfg.Mailboxes {
		files["mailboxes["+m.Name+"].tls_ca_file"] = m.TLSCAFile
		files["mailboxes["+m.Name+"].password_file"] = m.PasswordFile
		if m.Host != "dovecot" {
			t.Errorf("mailboxes[%d].host = %q; want the compose service name dovecot", i, m.Host)
		}
		if _, ok := c.Services[m.Host]; !ok {
			t.Errorf("mailboxes[%d].host %q is not a compose service", i, m.Host)
		}
	}
	for _, r := range cfg.Recipients {
		files["recipients["+r.Address+"].web_password_file"] = r.WebPasswordFile
	}
	for key, p := range files {
		if p == "" {
			continue
		}
		if _, ok := provider(p); !ok {
			t.Errorf("%s is %s, which no volume, config or secret of services.listdigest provides", key, p)
		}
	}

	// The listener is the container port compose publishes, on the host's loopback.
	_, port, ok := strings.Cut(cfg.HTTP.Listen, ":")
	if !ok {
		t.Fatalf("http.listen = %q", cfg.HTTP.Listen)
	}
	published := false
	for _, p := range svc.Ports {
		if strings.HasPrefix(p, "127.0.0.1:") && strings.HasSuffix(p, ":"+port) {
			published = true
		}
	}
	if !published {
		t.Errorf("services.listdigest.ports = %q; want 127.0.0.1:...:%s (http.listen %s)", svc.Ports, port, cfg.HTTP.Listen)
	}
}

// TestLitestreamConfig checks that configs/litestream.yml parses and replicates the database
// the compose configuration uses, without credentials in the file.
func TestLitestreamConfig(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(configsDir, "litestream.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var ls struct {
		DBs []struct {
			Path    string         `yaml:"path"`
			Replica map[string]any `yaml:"replica"`
		} `yaml:"dbs"`
	}
	if err := yaml.Unmarshal(data, &ls); err != nil {
		t.Fatalf("configs/litestream.yml is not valid YAML: %v", err)
	}
	cfg, err := Load(filepath.Join(configsDir, "listdigest.compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ls.DBs) != 1 || ls.DBs[0].Path != cfg.Database.Path {
		t.Fatalf("configs/litestream.yml dbs = %+v; want one, %s", ls.DBs, cfg.Database.Path)
	}
	for _, k := range []string{"access-key-id", "secret-access-key"} {
		if _, ok := ls.DBs[0].Replica[k]; ok {
			t.Errorf("configs/litestream.yml sets %s: credentials belong in the environment", k)
		}
	}
}
