"""moto_server 5.2.1 as the tests start it, with two bugs of moto's fixed
so that the tests see what AWS does.

CreateLaunchTemplateVersion: moto keeps a new version's `UserData` as the
request's text rather than as the base64 value CreateLaunchTemplate keeps,
and the first instance an Auto Scaling group launches from such a version
fails with HTTP 500 (an assertion in moto's LaunchTemplateVersion). AWS
takes base64 user data for every version (EC2 API Reference,
RequestLaunchTemplateData: "UserData: The user data to make available to
the instance ... must be base64-encoded") and launches from any version a
group names. The fix parses the version's user data as CreateLaunchTemplate
does.

DescribeAutoScalingGroups: moto reports every instance of a group as
launched from its template's *current default* version, so after a new
version no instance ever looks out of date. AWS reports the version each
instance was launched from (Auto Scaling API Reference, Instance:
"LaunchTemplate: The launch template for the instance", and the user
guide's instance refresh, which replaces "instances that ... are not on
the desired configuration"). The fix remembers the version the group
launched an instance from, resolved to its number as AWS shows it.

Nothing else differs from `moto_server`.
"""

import sys

from moto.autoscaling.models import InstanceState
from moto.core.types import Base64EncodedString
from moto.ec2.models.launch_templates import LaunchTemplate
from moto.ec2.utils import parse_user_data
from moto.server import main

_create_version = LaunchTemplate.create_version


def _create_version_with_base64_user_data(self, data, description):
    user_data = data.get("UserData")
    if user_data is not None and not isinstance(user_data, Base64EncodedString):
        data["UserData"] = parse_user_data(user_data)
    return _create_version(self, data, description)


LaunchTemplate.create_version = _create_version_with_base64_user_data

_instance_state_init = InstanceState.__init__


def _instance_state_init_with_version(self, *args, **kwargs):
    _instance_state_init(self, *args, **kwargs)
    group = self.auto_scaling_group
    template = getattr(group, "ec2_launch_template", None)
    self.launched_version = None
    if template is not None:
        version = template.get_version(group.launch_template_version)
        self.launched_version = version.number


def _launch_template(self):
    group = self.auto_scaling_group
    template = getattr(group, "ec2_launch_template", None) if group else None
    if template is None:
        return None
    return {
        "LaunchTemplateId": template.id,
        "LaunchTemplateName": template.name,
        "Version": str(self.launched_version or template.default_version_number),
    }


InstanceState.__init__ = _instance_state_init_with_version
InstanceState.launch_template = property(_launch_template)

if __name__ == "__main__":
    sys.exit(main())
