using Glance.Policy.Members;
using Glance.Policy.Operations;
using static Glance.Policy.Tests.Operations.OperationInputs;

namespace Glance.Policy.Tests.Operations;

/// <summary>The tasks API (<see cref="TaskOperations.Access"/>) and GET /v2/images/{id}/tasks (<see cref="TaskOperations.GetTaskInfo"/>), legacy and secure.</summary>
public sealed class TaskOperationTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Tasks_are_for_admins(bool secure)
    {
        Assert.Null(TaskOperations.Access(Input(Admin(secure))));
        AssertRefused(TaskOperations.Access(Input(Owner(secure))), 403, Refused("tasks_api_access"));
        AssertRefused(TaskOperations.Access(Input(OwnerReader(secure))), 403, Refused("tasks_api_access"));
    }

    [Theory]
    [InlineData("add_task", "create")]
    [InlineData("get_tasks", "index")]
    [InlineData("get_task", "get")]
    [InlineData("delete_task", "delete")]
    public void Every_task_operation_is_registered_on_tasks_api_access(string name, string action)
    {
        var operation = EdgeOperations.Named(name)!;
        Assert.Equal(("tasks", action, "tasks_api_access", EdgeFactsNeeded.None, EdgeMode.Enforce), (operation.Controller, operation.Action, operation.Rule, operation.Facts, operation.DefaultMode));
        var refused = operation.Decide(Input(Owner(true)));
        Assert.Equal((403, Refused("tasks_api_access")), (refused.StatusCode, refused.Explanation));
        Assert.True(operation.Decide(Input(Admin(true))).IsAllowed);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Image_tasks_the_image_and_get_image_or_a_bare_404(bool secure)
    {
        Assert.Null(TaskOperations.GetTaskInfo(Input(Owner(secure), Image())));
        Assert.Null(TaskOperations.GetTaskInfo(Input(Stranger(secure), Image(ImageVisibility.Public))));
        AssertRefused(TaskOperations.GetTaskInfo(Input(Owner(secure), null)), 404, ResourceNotFound);
        AssertRefused(TaskOperations.GetTaskInfo(Input(Stranger(secure), Image())), 404, ResourceNotFound);
    }
}
