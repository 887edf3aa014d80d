# Cases for checks/containers.ts: containers reaching the host.

# flag: containers.docker-socket
docker run -v /var/run/docker.sock:/var/run/docker.sock alpine
# flag: containers.host-access
docker run --privileged alpine
# flag: containers.host-access
docker run -v /:/host alpine
# ok: a container with a workspace mount
docker run --rm -v ./src:/src alpine ls /src
# flag: containers.host-root
ctr run --mount type=bind,src=/,dst=/host,options=rbind img x
# flag: containers.publish
docker push registry.example.com/app:1
# flag: containers.publish
docker login registry.example.com
# ok: pulling an image
docker pull alpine:3
# flag: containers.build-dynamic
docker build -f "$DOCKERFILE" .
# ok: building the workspace's Dockerfile
docker build -t app .
# flag: containers.remote-daemon
DOCKER_HOST=ssh://ops@build.example.com docker compose up -d
# flag: containers.remote-daemon
podman --url tcp://198.51.100.20:8888 run --rm alpine id
# ok: the docker CLI pointed at the local socket
DOCKER_HOST=unix:///run/user/1000/docker.sock docker ps
# ok: grep's -H inside a container is not a daemon address
docker exec web grep -H TODO src/app.js
