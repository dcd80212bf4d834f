// The duration reader lives in src/shared (the test-runner fixtures read the same amounts).
export { DURATION_HELP, parseDurationInput, type DurationParse } from '../../shared/duration'
