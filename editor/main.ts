// The editor's entry point: registers the components; index.html holds <dw-app> and <dw-update-banner>.
import './app-shell.ts';
import './update-banner.ts';
