import { Module } from '@nestjs/common';
import { CliProgram } from './cli-program.provider';
import { CreateProjectCommand } from './commands/create-project.command';
import { DeployCommand } from './commands/deploy.command';
import { DoctorCommand } from './commands/doctor.command';
import { DockerfileCommand } from './commands/dockerfile.command';
import { DoraConfigCommand } from './commands/dora-config.command';
import { ProcessCommand } from './commands/process.command';
import { RunServerCommand } from './commands/run-server.command';
import { RunWorkerCommand } from './commands/run-worker.command';

/** The `qiniu-ufop` command line: one `@Command` provider per command (see cli.factory.ts). */
@Module({
  providers: [
    CliProgram,
    CreateProjectCommand,
    ProcessCommand,
    RunServerCommand,
    RunWorkerCommand,
    DockerfileCommand,
    DoraConfigCommand,
    DeployCommand,
    DoctorCommand,
  ],
})
export class CliModule {}
