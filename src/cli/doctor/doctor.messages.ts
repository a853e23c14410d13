// What `doctor` (and `deploy`, which runs its deploy checks first) tells the user: each problem with its fix.
// The Docker hints are the ones the Python predecessor's troubleshooting section gave for `qdoractl push`.

export const DOCKER_INSTALL = 'install Docker (https://docs.docker.com/get-docker/) and check that `docker info` works';

export const QDORACTL_INSTALL =
  'download qdoractl from Qiniu (the dora / UFOP documentation on developer.qiniu.com), put it on PATH, ' +
  'then log in once with `qdoractl login -u <AccessKey> -p <SecretKey>` and register the UFOP with `qdoractl register <ufop>`';

const shown = (env: Record<string, string | undefined>, name: string) =>
  env[name] === undefined ? `${name} is not set` : `${name}=${env[name]}`;

/** Why `docker info` failed, from its own message, and what to do. */
export function dockerDaemonFix(output: string, env: Record<string, string | undefined>): string {
  const now = ` (now: ${shown(env, 'DOCKER_HOST')}, ${shown(env, 'DOCKER_TLS_VERIFY')}, ${shown(env, 'DOCKER_CERT_PATH')})`;
  if (/permission denied/i.test(output) && /docker\.sock/i.test(output)) {
    return 'this user may not use the Docker socket: add it to the docker group (`sudo usermod -aG docker $USER`, then log in again), or run Docker rootless';
  }
  if (/malformed HTTP response|TLS-enabled daemon|client sent an HTTP request to an HTTPS server/i.test(output)) {
    return (
      'the client and the daemon disagree about TLS: for a daemon without TLS (Docker Toolbox with DOCKER_TLS=no, ' +
      'Docker Desktop exposing tcp://localhost:2375 "without TLS") unset DOCKER_TLS_VERIFY; for a TLS daemon (port 2376) ' +
      `set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to the folder holding ca.pem, cert.pem and key.pem${now}`
    );
  }
  if (/x509|certificate|tls:/i.test(output)) {
    return (
      "the daemon's TLS certificate is not accepted: point DOCKER_CERT_PATH at the folder with the ca.pem, " +
      `cert.pem and key.pem that belong to this daemon (\`docker-machine env\` prints them for Docker Toolbox)${now}`
    );
  }
  if (
    /Cannot connect to the Docker daemon|Is the docker daemon running|connection refused|no such host|error during connect/i.test(
      output,
    )
  ) {
    return (
      'start the Docker daemon (`sudo systemctl start docker`, or open Docker Desktop). If it listens elsewhere, ' +
      'set DOCKER_HOST to it: with Docker for Windows, tick "Expose daemon on tcp://localhost:2375 without TLS" in ' +
      `Settings > General and set DOCKER_HOST=tcp://127.0.0.1:2375; with Docker Toolbox, run \`eval $(docker-machine env)\`${now}`
    );
  }
  return `check that \`docker info\` works in this shell${now}`;
}

export const DOCKER_TIMEOUT_FIX = (env: Record<string, string | undefined>) =>
  `the daemon did not answer: check that the host in DOCKER_HOST (${env.DOCKER_HOST ?? 'unset: the local socket'}) is up and reachable`;

export const QDORACTL_LIST_FIX =
  'qdoractl keeps its login in a configuration file in your home folder: log in with ' +
  '`qdoractl login -u <AccessKey> -p <SecretKey>` (keys at https://portal.qiniu.com/user/key) as the user that runs deploy ' +
  '(not through sudo, whose HOME differs), and check that this machine reaches Qiniu';

export const QDORACTL_NOT_EXECUTABLE_FIX =
  'this qdoractl cannot run here: download the build for this system (linux/amd64, darwin...) and `chmod +x` it';

export const DOCKERFILE_FIX =
  'write one with `qiniu-ufop dockerfile -o docker/Dockerfile` (a createproject project has it already)';
