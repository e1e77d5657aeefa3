"""SciServer Compute jobs (RACM's JOBM REST API): compute domains, submit, status, cancel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .session import SciServerError, SciServerSession

PENDING, QUEUED, ACCEPTED, STARTED, FINISHED, SUCCESS, ERROR, CANCELED = 1, 2, 4, 8, 16, 32, 64, 128
#: Workspace root as jobs see it inside their container.
WORKSPACE = "/home/idies/workspace"


def is_terminal(status: int) -> bool:
    """SUCCESS, ERROR and CANCELED end a job; FINISHED (16) only means the container stopped."""
    return status > FINISHED


def status_name(status: int) -> str:
    names = {
        PENDING: "pending",
        QUEUED: "queued",
        ACCEPTED: "accepted",
        STARTED: "started",
        FINISHED: "finished",
        SUCCESS: "success",
        ERROR: "error",
        CANCELED: "canceled",
    }
    return names.get(status, f"status {status}")


@dataclass(frozen=True)
class UserVolume:
    id: int
    path: str
    """``<root volume>/<owner>/<user volume>``."""


class JobsClient:
    """Calls under ``{racm_url}/jobm/rest``."""

    def __init__(self, session: SciServerSession) -> None:
        self.session = session

    @property
    def base(self) -> str:
        return f"{self.session.settings.racm_url.rstrip('/')}/jobm/rest"

    def compute_domains(self) -> list[dict[str, Any]]:
        response = self.session.request(
            "GET",
            f"{self.base}/computedomains",
            params={"batch": "true", "interactive": "false"},
            what="list SciServer compute domains",
        )
        return list(response.json())

    def domain(self, name: str | None) -> dict[str, Any]:
        """The compute domain called ``name``, or the first one."""
        domains = self.compute_domains()
        if not domains:
            raise SciServerError("This SciServer user has no batch compute domain.")
        if name is None:
            return domains[0]
        for domain in domains:
            if domain.get("name") == name:
                return domain
        known = ", ".join(repr(d.get("name")) for d in domains)
        raise SciServerError(f"No SciServer compute domain {name!r}; this user has {known}.")

    @staticmethod
    def user_volume(domain: dict[str, Any], path: str) -> UserVolume:
        """The domain's user volume at ``root/owner/name``."""
        found = []
        for volume in domain.get("userVolumes", []):
            full = f"{volume.get('rootVolumeName')}/{volume.get('owner')}/{volume.get('name')}"
            found.append(full)
            if full == path:
                return UserVolume(int(volume["id"]), full)
        raise SciServerError(
            f"The compute domain {domain.get('name')!r} has no user volume {path}; "
            f"it has {', '.join(found) or 'none'}."
        )

    def submit_shell_job(
        self,
        *,
        domain: dict[str, Any],
        image: str,
        command: str,
        results_folder: str,
        volumes: list[UserVolume],
        alias: str,
    ) -> int:
        """Start ``command`` in ``image``; the job's working directory is ``results_folder``."""
        body = {
            "command": command,
            "submitterDID": alias,
            "dockerComputeEndpoint": domain.get("apiEndpoint"),
            "dockerImageName": image,
            "resultsFolderURI": f"{WORKSPACE}/{results_folder}",
            "volumeContainers": [],
            "userVolumes": [{"userVolumeId": v.id, "needsWriteAccess": True} for v in volumes],
        }
        response = self.session.request(
            "POST", f"{self.base}/jobs/docker", json=body, what="submit a SciServer Compute job"
        )
        return int(response.json()["id"])

    def get(self, job_id: int) -> dict[str, Any]:
        response = self.session.request(
            "GET", f"{self.base}/jobs/{job_id}", what=f"read SciServer job {job_id}"
        )
        return dict(response.json())

    def cancel(self, job_id: int) -> dict[str, Any]:
        response = self.session.request(
            "POST", f"{self.base}/jobs/{job_id}/cancel", what=f"cancel SciServer job {job_id}"
        )
        return dict(response.json())
