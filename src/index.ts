/** Entry point of the action's bundle (dist/index.js): only calls run(). */
import { run } from './main.js'

// No top-level await: ncc's webpack parser rejects it. run() never rejects (it has the one try/catch).
void run()
