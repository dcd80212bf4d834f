// placeholder: the React UI
export {}
