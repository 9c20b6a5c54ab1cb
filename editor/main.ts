// The editor's entry point: registers the components; index.html holds <dw-app>.
import './app-shell.ts';
