// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// Proposals and votes, one vote per voter per proposal. Each proposal's tally (yes, no, open) is
/// one storage slot that every vote on it rewrites: the hot key of DAO traffic.
contract Dao {
    struct Proposal {
        uint120 yes;
        uint120 no;
        bool open;
    }

    uint256 public immutable quorum;
    Proposal[] public proposals;
    mapping(uint256 => mapping(address => bool)) public voted;

    event Proposed(uint256 indexed proposal, address proposer);
    event Voted(uint256 indexed proposal, address indexed voter, bool support);
    event Executed(uint256 indexed proposal, address to, uint256 amount);

    /// Opens `open_` proposals; the value sent is the treasury that passed proposals pay from.
    constructor(uint256 open_, uint256 quorum_) payable {
        quorum = quorum_;
        for (uint256 i = 0; i < open_; i++) proposals.push(Proposal(0, 0, true));
    }

    function proposalCount() external view returns (uint256) {
        return proposals.length;
    }

    function propose() external returns (uint256 id) {
        id = proposals.length;
        proposals.push(Proposal(0, 0, true));
        emit Proposed(id, msg.sender);
    }

    function vote(uint256 proposal, bool support) external {
        Proposal storage p = proposals[proposal];
        require(p.open, "proposal closed");
        require(!voted[proposal][msg.sender], "already voted");
        voted[proposal][msg.sender] = true;
        if (support) p.yes += 1;
        else p.no += 1;
        emit Voted(proposal, msg.sender, support);
    }

    /// Pays `amount` from the treasury once a proposal has passed (quorum of yes, more yes than no).
    function execute(uint256 proposal, address payable to, uint256 amount) external {
        Proposal storage p = proposals[proposal];
        require(p.open, "proposal closed");
        require(p.yes >= quorum && p.yes > p.no, "proposal has not passed");
        p.open = false;
        (bool paid, ) = to.call{value: amount}("");
        require(paid, "payment failed");
        emit Executed(proposal, to, amount);
    }
}
