// The Pulumi program: builds the lab named by config `scenario` and exports its outputs,
// among them `checks`, the commands to run on each host and what they should print.
import { runProgram } from "./scenarios";

export = runProgram();
