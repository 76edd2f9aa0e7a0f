export { memoryDestination, type MemoryDestination, type MemoryDestinationOptions } from '../destinations/memory';
