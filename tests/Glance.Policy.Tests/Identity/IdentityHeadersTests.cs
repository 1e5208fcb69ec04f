using Glance.Policy.Identity;

namespace Glance.Policy.Tests.Identity;

public sealed class IdentityHeadersTests
{
    [Theory]
    [InlineData("X-Roles")]
    [InlineData("x-roles")]
    [InlineData("X_ROLES")]
    [InlineData("x_Roles")]
    [InlineData("X-Identity-Status")]
    [InlineData("X-Project-Id")]
    [InlineData("X-Tenant-Id")]
    [InlineData("X-Tenant")]
    [InlineData("X-Role")]
    [InlineData("X-User")]
    [InlineData("X-Is-Admin-Project")]
    [InlineData("X-Service-Roles")]
    [InlineData("x_service_token")]
    [InlineData("OpenStack-System-Scope")]
    [InlineData("openstack_system_scope")]
    public void IsIdentityHeader_IdentityHeaderInAnySpelling_IsTrue(string name)
    {
        Assert.True(IdentityHeaders.IsIdentityHeader(name));
    }

    [Theory]
    [InlineData("X-Auth-Token")]
    [InlineData("X-Openstack-Request-Id")]
    [InlineData("Accept")]
    [InlineData("X-Rolesx")]
    [InlineData("X-Users")]
    public void IsIdentityHeader_OtherHeader_IsFalse(string name)
    {
        Assert.False(IdentityHeaders.IsIdentityHeader(name));
    }
}
