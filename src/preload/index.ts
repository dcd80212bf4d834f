// placeholder: the preload bridge
export {}
