// placeholder: the CLI lands with the proxy issue
export {}
