// placeholder: the Node adapter
export {}
