// The traffic writer's thread: its own build entry (out/main/traffic-writer.js), started by
// TrafficLog with the log's path and byte budget as workerData.
import { parentPort, workerData } from 'node:worker_threads'
import { trafficWriter, type WriterOptions, type WriterPort } from './traffic-writer'

if (parentPort) trafficWriter(parentPort as unknown as WriterPort, workerData as WriterOptions)
