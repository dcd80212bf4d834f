// Text files inlined by the bundler (Vite's ?raw), e.g. the Python script observe mode runs.
declare module '*?raw' {
  const text: string
  export default text
}
